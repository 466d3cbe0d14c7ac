// Package browsertest drives the casedesk pages in a real headless Chromium:
// a customer registers, submits a case in Italian and reads the engineer's
// reply; the queue's countdown moves without a reload; hostile text stays
// text; a form post without the CSRF token is refused; and switching the
// language changes every label. The tests also save the screenshots of the
// main pages under docs/screenshots.
//
// The package holds only tests. They start the server in-process and launch
// Debian's Chromium at /usr/bin/chromium (scripts/install-chromium.sh installs
// it); without it they skip.
package browsertest
