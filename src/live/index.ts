/** Live camera mode: a question answered again and again on the newest camera frame. */
export { LiveCamera, DEFAULT_LIVE_QUESTION } from './LiveCamera.tsx';
