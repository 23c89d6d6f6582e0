// How every test and benchmark starts a browser: the system Chromium (apt-get install chromium), never
// a downloaded one, with the flags that keep it off this machine's closed network.
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
