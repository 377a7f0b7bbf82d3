/** Video in the chat: opening a file without reading it whole, sampling frames as SmolVLM2 does, the strip shown before sending. */
export { useVideoDraft, type VideoDraft, type VideoDraftState } from './useVideoDraft.ts';
export { VideoStrip, clockText } from './VideoStrip.tsx';
export { videoBudget, type VideoBudget } from './video-budget.ts';
export { splitVideos, oneVideoMessage } from './route-files.ts';
export type { VideoFrame } from './sample-frames.ts';
