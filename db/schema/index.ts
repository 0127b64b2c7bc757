export * from './enums.ts';
export * from './org.ts';
export * from './catalog.ts';
export * from './tickets.ts';
export * from './sla.ts';
export * from './evaluation.ts';
export * from './audit.ts';
export * from './routing.ts';
