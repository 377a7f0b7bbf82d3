/** Writing a question: text, images (pick, drop, paste, camera), Send and Stop. */
export { Composer } from './Composer.tsx';
export { useComposer, tooManyImagesMessage, type ComposerState } from './useComposer.ts';
export { useWindowDrop, useWindowPaste } from './useWindowFileInput.ts';
export { DropOverlay } from './DropOverlay.tsx';
export { ImageViewer } from './ImageViewer.tsx';
export { CameraDialog, cameraAvailable } from './CameraDialog.tsx';
export { TaskPicker, takesRegion, taskPlaceholder, taskRequest, type TaskChoice, type TaskRequest } from './TaskPicker.tsx';
export { RegionPicker } from './RegionPicker.tsx';
