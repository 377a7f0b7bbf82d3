// The demo shop's own script: drives <vlm-chat> through its JavaScript API. It writes text only
// (textContent), so it runs under `require-trusted-types-for 'script'`.
const chat = document.querySelector('vlm-chat');
const photo = document.getElementById('product-photo');
const altText = document.getElementById('alt-text');
const widgetState = document.getElementById('widget-state');
const describe = document.getElementById('describe');

chat.addEventListener('progress', (event) => {
  const { message, loadedBytes, totalBytes } = event.detail;
  const percent = totalBytes > 0 ? ` (${Math.floor((100 * loadedBytes) / totalBytes)}%)` : '';
  widgetState.textContent = `Widget: ${message}${percent}`;
});
chat.addEventListener('ready', (event) => {
  const { model, device, wasmThreads } = event.detail;
  const where = device === 'webgpu' ? 'WebGPU' : `WASM, ${wasmThreads} thread${wasmThreads === 1 ? '' : 's'}`;
  widgetState.textContent = `Widget: ${model} ready on this device (${where})`;
});
chat.addEventListener('error', (event) => {
  widgetState.textContent = `Widget: ${event.detail.name}: ${event.detail.message}`;
});

describe.addEventListener('click', async () => {
  describe.disabled = true;
  altText.textContent = '';
  const onToken = (event) => {
    altText.textContent += event.detail.text;
  };
  chat.addEventListener('token', onToken);
  try {
    const answer = await chat.ask({
      images: [photo],
      text: 'Describe this product photo for a screen reader in one sentence.',
      maxNewTokens: 48,
    });
    altText.textContent = answer;
    photo.alt = answer;
  } catch (error) {
    altText.textContent = `(no description: ${error.message})`;
  } finally {
    chat.removeEventListener('token', onToken);
    describe.disabled = false;
  }
});
document.getElementById('stop').addEventListener('click', () => chat.stop());
document.getElementById('reset').addEventListener('click', () => chat.reset());
