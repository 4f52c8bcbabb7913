// Runs Lighthouse on many pages in one Node process, so that its modules
// load once rather than once a page (2-3 s each). It connects to the
// Chromium whose debugging port is given, sends every request with the
// session's Cookie header, and writes one JSON report a line, in the
// order of the URLs. Used by TestBrowserLighthouse:
//
//	node lighthouse.mjs <lighthouse/core/index.js> <port> < [{"url": ..., "cookie": ...}, ...]
import {pathToFileURL} from 'node:url';

import {readFileSync} from 'node:fs';

const [modulePath, port] = process.argv.slice(2);
const pages = JSON.parse(readFileSync(0, 'utf8'));
const {default: lighthouse} = await import(pathToFileURL(modulePath).href);

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
for (const {url, cookie} of pages) {
	const flags = {port: Number(port), logLevel: 'error'};
	if (cookie) flags.extraHeaders = {Cookie: cookie};
	const result = await lighthouse(url, flags, config);
	process.stdout.write(JSON.stringify(result.lhr) + '\n');
}
