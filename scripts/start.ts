/**
 * `npm start`: builds the extension and says where it is and how to load it.
 * (The participating services' issue extends this to start the CA and the demo services.)
 */
import { resolve } from 'node:path';
import { buildAll } from './build.js';

await buildAll();
const dist = resolve(import.meta.dirname, '..', 'dist');
console.log(`kyotsu extension built:
  Chrome/Chromium/Edge: ${dist}/chrome   (store zip: ${dist}/kyotsu-chrome.zip)
  Firefox:              ${dist}/firefox  (store zip: ${dist}/kyotsu-firefox.zip)

Load it by hand:
  Chrome:  chrome://extensions → Developer mode → Load unpacked → ${dist}/chrome
  Firefox: about:debugging#/runtime/this-firefox → Load Temporary Add-on… → ${dist}/firefox/manifest.json`);
