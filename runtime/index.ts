/** The runtime's isomorphic core: what a node, a test or the designer's simulation imports. */
export { DAY, HOUR, MINUTE, SimulatedClock, systemClock, type Clock } from './clock.js';
export {
  CordappError,
  loadCordapp,
  type CordappManifest,
  type CordappModule,
  type LoadedCordapp,
  type LoadedFlow,
  type TypeDefinition,
} from './cordapp.js';
export {
  compileImplementations,
  createFlowMachine,
  flowContextOf,
  flowOutput,
  type CompiledFlow,
  type HostFunctions,
} from './machine.js';
export { isAck, type Envelope, type Transport, type WireMessage } from './messages.js';
export {
  createMockNetwork,
  MockNetwork,
  type MockNetworkOptions,
  type NetworkFaults,
  type NetworkStats,
} from './mockNetwork.js';
export {
  FlowNode,
  FlowRequestError,
  NodeCrashed,
  type FlowHandle,
  type FlowOutcome,
  type InputRequest,
  type NodeEvent,
  type NodeHooks,
  type NodeOptions,
} from './node.js';
export {
  progressEventsOf,
  progressTreeOf,
  renderProgressTree,
  type ProgressEvent,
  type ProgressStep,
  type ProgressTree,
} from './progress.js';
export {
  emptyWriteSet,
  MemoryStore,
  type CheckpointStore,
  type FlowQuery,
  type FlowRecord,
  type FlowStatus,
  type FlowWait,
  type StoreVaultQuery,
  type WriteSet,
} from './store.js';
export { typeFits, valueProblem } from './valueTypes.js';
export { FlowRuntimeError } from './values.js';
