// The closed-connection reason a client parser failure is reported with (/connz `reason`).

import { ClosedReason, type ClosedReasonText } from "../protocol/errors.js";
import type { ParseFailure } from "../protocol/parser.js";

export function closedReasonFor(err: ParseFailure): ClosedReasonText {
  switch (err.kind) {
    case "auth-violation":
      return ClosedReason.AuthenticationViolation;
    case "max-payload":
      return ClosedReason.MaxPayloadExceeded;
    case "max-control-line":
      return ClosedReason.MaxControlLineExceeded;
    default:
      return ClosedReason.ParseError;
  }
}
