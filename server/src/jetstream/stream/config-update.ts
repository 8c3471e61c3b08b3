// What a STREAM.UPDATE may not change, with nats-server's errors.
import { JSErr, type ApiError } from "../api/errors.js";
import type { StreamConfig } from "../api/types.js";
import { sourceOut } from "./config-out.js";

type Loose = Record<string, unknown>;

const invalid = (err: string): ApiError => JSErr.JSStreamInvalidConfigF({ err });

function mirrorText(m: unknown): string {
  return m === undefined || m === null ? "" : JSON.stringify(sourceOut(m as Loose));
}

/**
 * Compares the checked new config `c` (already defaulted) with the current one; applies the
 * implications of sealing. Returns the first violated restriction.
 */
export function updateError(c: Loose, old: StreamConfig): ApiError | undefined {
  if (c.storage !== old.storage) return invalid("stream configuration update can not change storage type");
  if (c.retention !== old.retention && (c.retention === "workqueue" || old.retention === "workqueue")) {
    return invalid("stream configuration update can not change retention policy to/from workqueue");
  }
  if (typeof c.template_owner === "string" && c.template_owner !== "") return invalid("stream configuration update can not be owned by a template");
  if (old.sealed && c.sealed !== true) return invalid("stream configuration update can not unseal a sealed stream");
  if (old.deny_delete && c.deny_delete !== true) return invalid("stream configuration update can not cancel deny message deletes");
  if (old.deny_purge && c.deny_purge !== true) return invalid("stream configuration update can not cancel deny purge");
  const newMirror = mirrorText(c.mirror);
  if (newMirror !== "" && newMirror !== mirrorText(old.mirror)) return JSErr.JSStreamMirrorNotUpdatableErr();
  if (old.allow_msg_ttl && c.allow_msg_ttl !== true) return invalid("message TTL status can not be disabled");
  if (old.allow_msg_schedules === true && c.allow_msg_schedules !== true) return invalid("message schedules can not be disabled");
  if ((old.allow_msg_counter === true) !== (c.allow_msg_counter === true)) return invalid("stream configuration update can not change message counter setting");
  if ((old.persist_mode ?? "default") !== ((c.persist_mode as string | undefined) ?? "default")) return invalid("stream configuration update can not change persist mode");
  if (c.sealed === true) {
    c.discard = "new";
    c.deny_delete = true;
    c.deny_purge = true;
    c.allow_rollup_hdrs = false;
    c.max_age = 0;
  }
  return undefined;
}
