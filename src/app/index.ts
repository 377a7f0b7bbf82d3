/** The page: layout, the controller and the hooks it composes (model runtime, conversations, answer runs), and the runtime reducer. */
export { App } from './App.tsx';
export { useChatController, type ChatController } from './useChatController.ts';
export { useModelRuntime } from './useModelRuntime.ts';
export { useConversations } from './useConversations.ts';
export { runtimeReducer, initialRuntime, loadedModel, type RuntimeState, type RuntimeAction } from './runtime-state.ts';
