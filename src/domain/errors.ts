/**
 * Typed domain errors: each has a stable code (clients match on it) and an HTTP status.
 * Messages are looked up by code in src/i18n/messages.ts; `params` fill them in.
 */
export class DomainError extends Error {
  constructor(
    public readonly code: string,
    public readonly status: number,
    public readonly params: Record<string, unknown> = {},
    public readonly details: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = new.target.name;
  }
}

export type ValidationIssue = { path: string; code: string; message: string };

export class ValidationError extends DomainError {
  constructor(
    public readonly issues: ValidationIssue[],
    code = 'validation_failed',
  ) {
    super(code, 400, {}, { issues });
  }
}
/** Well-formed but refers to something that does not exist or may not be used (unknown category…). */
export class UnprocessableError extends DomainError {
  constructor(code: string, params: Record<string, unknown> = {}, details: Record<string, unknown> = {}) {
    super(code, 422, params, details);
  }
}
export class UnauthenticatedError extends DomainError {
  constructor(code = 'unauthenticated') {
    super(code, 401);
  }
}
export class ForbiddenError extends DomainError {
  constructor(code = 'forbidden', params: Record<string, unknown> = {}) {
    super(code, 403, params);
  }
}
export class NotFoundError extends DomainError {
  constructor(code = 'not_found', params: Record<string, unknown> = {}) {
    super(code, 404, params);
  }
}
/** The action is not legal in the current state, or the client's version is stale. */
export class ConflictError extends DomainError {
  constructor(code: string, params: Record<string, unknown> = {}, details: Record<string, unknown> = {}) {
    super(code, 409, params, details);
  }
}
export class PayloadTooLargeError extends DomainError {
  constructor() {
    super('payload_too_large', 413);
  }
}
export class UnsupportedMediaTypeError extends DomainError {
  constructor() {
    super('unsupported_media_type', 415);
  }
}
export class UnavailableError extends DomainError {
  constructor(code = 'database_unavailable') {
    super(code, 503);
  }
}
