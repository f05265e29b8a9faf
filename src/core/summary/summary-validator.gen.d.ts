// Types for the generated standalone validator (see scripts/gen-validator.ts).
export interface ValidationError {
  instancePath: string;
  message?: string;
}
export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}
export declare const validate: ValidateFunction;
export default validate;
