// Node's fast latin1 Buffer methods (present on every Buffer, missing from @types/node).
declare global {
  interface Buffer {
    latin1Write(s: string, offset?: number, length?: number): number;
    latin1Slice(start?: number, end?: number): string;
  }
}
export {};
