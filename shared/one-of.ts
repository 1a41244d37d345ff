/** Whether `value` is one of `values`, a closed list of literals (a setting's choices, a union's members), as their type. */
export const isOneOf = <T extends string>(values: readonly T[], value: string): value is T =>
  (values as readonly string[]).includes(value);
