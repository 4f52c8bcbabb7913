// Runs Lighthouse on many pages in one Node process, so that Node starts
// and Lighthouse loads once rather than once a page. It connects to the
// Chromium whose debugging port is given and writes one JSON report a
// line, in the order of the pages. Used by TestBrowserLighthouse:
//
//	node lighthouse.mjs <lighthouse/core/index.js> <port> < [{"url": ..., "cookie": ...}, ...]
//
// Before each page it empties the browser's cookie jar and puts the page's
// session cookie (name=value, or none) in it, as a signed-in browser has
// it. Lighthouse's --extra-headers would not do: Chromium sends the jar's
// cookies instead of an extra Cookie header once a page has set one (the
// sign-in page's CSRF cookie), and cookies ignore the port, so every test
// server on 127.0.0.1 shares them.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';

const [modulePath, port] = process.argv.slice(2);
const pages = JSON.parse(readFileSync(0, 'utf8'));
const {default: lighthouse} = await import(pathToFileURL(modulePath).href);
const puppeteer = createRequire(modulePath)('puppeteer-core');

// The default (mobile, simulated throttling) with two categories, no
// full-page screenshot for a report no one opens, and shorter quiet
// windows: simulated throttling computes the timings from the trace, so
// they do not need the page idle for a whole second.
const config = {
	extends: 'lighthouse:default',
	settings: {
		onlyCategories: ['accessibility', 'performance'],
		disableFullPageScreenshot: true,
		skipAboutBlank: true,
		pauseAfterFcpMs: 100,
		pauseAfterLoadMs: 100,
		networkQuietThresholdMs: 250,
		cpuQuietThresholdMs: 250,
	},
};
const browser = await puppeteer.connect({browserURL: `http://127.0.0.1:${port}`});
const jar = await browser.target().createCDPSession();
for (const {url, cookie} of pages) {
	await jar.send('Storage.clearCookies');
	if (cookie) {
		const [name, value] = cookie.split(/=(.*)/s);
		await jar.send('Storage.setCookies', {cookies: [{name, value, url, httpOnly: true, sameSite: 'Lax'}]});
	}
	const result = await lighthouse(url, {port: Number(port), logLevel: 'error'}, config);
	process.stdout.write(JSON.stringify(result.lhr) + '\n');
}
await browser.disconnect();
