/** Placeholder shell until the chat page lands (issue 3). */
export function App() {
  return (
    <main>
      <h1>VLM Chat</h1>
      <p>Private image chat that runs on your device.</p>
    </main>
  );
}
