import { FERRETDB_BUILD, serializesWrites, slicesPushes } from './ferretdb-installer';

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

describe('slicesPushes', () => {
  it('is true from hub.6, so updates with $push and $slice are written without reading first', () => {
    expect(slicesPushes(FERRETDB_BUILD)).toBe(true);
    expect(slicesPushes('v1.24.2+hub.16')).toBe(true);
  });

  it('is false for a stock FerretDB and our earlier builds, which apply $push without its $slice', () => {
    expect(slicesPushes('v1.24.2')).toBe(false);
    expect(slicesPushes('v1.24.2+hub.5')).toBe(false);
    expect(slicesPushes('v1.24.2+hub.6-dirty')).toBe(false);
  });
});
