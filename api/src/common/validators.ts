import { ValidateBy, ValidationOptions } from 'class-validator';
import { IANAZone } from 'luxon';

/** An IANA time zone name that luxon (and so every date computation here) understands. */
export function IsIanaZone(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isIanaZone',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length <= 64 && IANAZone.isValidZone(value),
        defaultMessage: (args) => `${args?.property} must be an IANA time zone such as Europe/Stockholm`,
      },
    },
    options,
  );
}
