/** Writing a question: text, images (pick, drop, paste, camera), Send and Stop. */
export { Composer } from './Composer.tsx';
export { useComposer, tooManyImagesMessage, type ComposerState } from './useComposer.ts';
export { useWindowDrop, useWindowPaste } from './useWindowFileInput.ts';
export { DropOverlay } from './DropOverlay.tsx';
export { ImageViewer } from './ImageViewer.tsx';
export { CameraDialog, cameraAvailable } from './CameraDialog.tsx';
export { TaskPicker, taskMessage, type TaskChoice } from './TaskPicker.tsx';
