/** Which model, how big, whether downloaded, how it loads and where it runs. */
export { ModelPicker, modelFacts } from './ModelPicker.tsx';
export { LoadStatus } from './LoadStatus.tsx';
export { BackendBadge } from './BackendBadge.tsx';
export { useModelCatalog, type ModelCatalog, type CacheStatus } from './useModelCatalog.ts';
export * from './catalog.ts';
