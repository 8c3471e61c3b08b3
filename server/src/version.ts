// Versions. Clients gate features on the nats-server release level in INFO `version`, so that
// reports the level of nats-server behaviour natsts implements; natsts' own version is separate.
export const NATSTS_VERSION = "0.1.0";
/** the nats-server release whose client protocol natsts speaks */
export const COMPAT_VERSION = "2.12.15";
export const PROTO_VERSION = 1;
/** JetStream API level reported in INFO (nats-server 2.12.15 reports 3) */
export const API_LEVEL = 3;
