import { FERRETDB_BUILD, serializesWrites } from './ferretdb-installer';

describe('serializesWrites', () => {
  it('is true for our build (and later ones), so AtomicWrites takes no lease there', () => {
    expect(serializesWrites(FERRETDB_BUILD)).toBe(true);
    expect(serializesWrites('v1.24.2+hub.12')).toBe(true);
  });

  it('is false for a stock FerretDB and for our builds before the serialized writes: those get leases', () => {
    expect(serializesWrites('v1.24.2')).toBe(false);
    expect(serializesWrites('v1.24.2+hub.2')).toBe(false);
    expect(serializesWrites('v2.0.0')).toBe(false);
    expect(serializesWrites('v1.24.2+hub.4-dirty')).toBe(false);
  });
});
