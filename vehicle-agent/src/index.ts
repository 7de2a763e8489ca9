// Public API of @dispatch/vehicle-agent (node side): the crew agent, its outboxes and the fleet simulator.
export { CrewAgent } from './agent/crewAgent';
export type { CrewAgentOptions, CrewAgentState, Rejection } from './agent/crewAgent';
export type { StuckEvent } from './agent/stuckStore';
export { FileOutbox } from './agent/fileOutbox';
export { MemoryOutbox } from './agent/outbox';
export type { Outbox, OutboxEntry } from './agent/outbox';
export { startSimulator } from './simulator/startSimulator';
export type { Simulator, SimulatorOptions } from './simulator/startSimulator';
