// Whether the server is inside a socket read: output produced while reading is flushed once the
// event loop's I/O phase is over (batching across connections); output produced elsewhere (a
// JetStream PubAck after an fsync, a timer) is flushed at the end of the current job instead.
export const ioPhase = { reading: 0 };
