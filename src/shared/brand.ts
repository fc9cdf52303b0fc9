/** Nominal types: a `Term` cannot be passed where a `LogIndex` is expected. */
declare const brand: unique symbol;
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

export type Term = Brand<number, 'Term'>;
export type LogIndex = Brand<number, 'LogIndex'>;
export type NodeId = Brand<number, 'NodeId'>;
export type GroupId = Brand<number, 'GroupId'>;

export const term = (n: number): Term => n as Term;
export const logIndex = (n: number): LogIndex => n as LogIndex;
export const nodeId = (n: number): NodeId => n as NodeId;
/** The largest node id memlayer accepts anywhere (flags, the admin API, the CLI): 2^32 - 1. */
export const NODE_ID_MAX = 0xffff_ffff;
export const groupId = (n: number): GroupId => n as GroupId;
