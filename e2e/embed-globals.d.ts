/**
 * `window.vlmEmbed` in the widget frame (src/embed/main.tsx), as far as the tests read it.
 * Declared structurally: the Node project must not pull the frame's sources in.
 */
declare global {
  interface Window {
    vlmEmbed: {
      link: { readonly hostOrigin: string | null; readonly stats: { accepted: number; ignored: number; lastIgnored: string } };
      controller: {
        getSnapshot(): {
          model: { kind: string };
          run: { kind: string };
          turns: readonly { from: 'host' | 'person'; role: string; text: string; status: string }[];
        };
      };
    };
  }
}
export {};
