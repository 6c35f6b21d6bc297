#!/usr/bin/python3
"""browser_ack.py: headless Chromium driven by Selenium (Debian's
python3-selenium and chromium-driver) for tests/integration/test_hub_ackweb.c,
on a phone-sized window. No JavaScript runs in the pages themselves; the
contrast audit is the driver's.

  browser_ack.py CHROMIUM PROFILE ack URL    open URL (a page holding
      <a id="link">), tap the link, print the page and audit it, tap the
      "ack" button, print the page after it and audit it
  browser_ack.py CHROMIUM PROFILE open URL   open URL, print the page

Pages are printed after a line "=== <name>". The audit prints one line
"contrast: N texts, lowest R:1" and, for each text below WCAG 2.1 AA
(4.5:1; 3:1 for large text: 24 px, or 18.66 px bold), a line "LOW
CONTRAST ...". Exit status 0, or 1 with the reason on stderr (a low
contrast is a failure)."""
import os
import socket
import sys

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException,
                                        StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

WAIT_S = 10
CHROMEDRIVER = "/usr/bin/chromedriver"

# Every element with text of its own: its colour, and the first ground
# behind it that is not transparent (the page's white at the end), with
# WCAG's relative luminance and contrast ratio.
AUDIT = r"""
function rgb(s) {
  const m = s.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/);
  return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : null;
}
function lum(c) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 :
    Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
}
function ground(e) {
  for (; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) return c;
  }
  return [255, 255, 255, 1];
}
const out = [];
for (const e of document.body.querySelectorAll('*')) {
  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const st = getComputedStyle(e);
  if (!own || st.display === 'none' || st.visibility === 'hidden') continue;
  const fg = rgb(st.color), bg = ground(e);
  const a = lum(fg), b = lum(bg);
  const px = parseFloat(st.fontSize), bold = +st.fontWeight >= 700;
  out.push({text: e.textContent.trim().slice(0, 40), tag: e.tagName,
    ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
    large: px >= 24 || (bold && px >= 18.66), fg: st.color,
    bg: 'rgb(' + bg.slice(0, 3).join(', ') + ')'});
}
return out;
"""


def off_the_time_shim():
    """The browser stands in for a person's phone, whose clock is its own:
    the date matrix's time shim (libfaketime, tests/dates) is for the hub
    and the boards. Neither Chromium nor Python's waits run under it, so
    start again without it."""
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        env = {k: v for k, v in os.environ.items()
               if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


def loopback_by_address():
    """Selenium reaches chromedriver at "localhost", which a bare machine
    (no /etc/hosts) cannot resolve; the tests name loopback by address."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kw):
        return real("127.0.0.1" if host == "localhost" else host, *args,
                    **kw)
    socket.getaddrinfo = getaddrinfo


def browser(exe, profile):
    opts = webdriver.ChromeOptions()
    opts.binary_location = exe
    for a in ("--headless", "--no-sandbox", "--disable-gpu",
              "--disable-quic", "--no-first-run",
              "--disable-background-networking",
              "--disable-component-update", "--disable-sync",
              "--window-size=390,844",          # a phone
              "--remote-debugging-pipe",        # no DevTools port: a bare
                                                # machine resolves no localhost
              "--user-data-dir=" + profile):
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service(CHROMEDRIVER, log_path=os.devnull),
                         options=opts)
    d.set_page_load_timeout(WAIT_S)
    return d


def tap(d, selector):
    """A real click on the element; waits for the page it leads to. The
    driver may lose the element while the page settles (a node id from a
    moment before): the wait finds it again and clicks once it can."""
    old = d.find_element(By.TAG_NAME, "html")

    def click(x):
        x.find_element(By.CSS_SELECTOR, selector).click()
        return True

    WebDriverWait(d, WAIT_S, ignored_exceptions=(
        StaleElementReferenceException, NoSuchElementException,
        WebDriverException)).until(click)
    WebDriverWait(d, WAIT_S).until(ec.staleness_of(old))
    WebDriverWait(d, WAIT_S).until(
        lambda x: x.execute_script("return document.readyState") ==
        "complete")


def audit(d):
    """WCAG 2.1 AA contrast of every text on the page: 0 if all pass."""
    rows = d.execute_script(AUDIT)
    if not rows:
        raise RuntimeError("contrast: no text found on the page")
    low = [r for r in rows if r["ratio"] < (3.0 if r["large"] else 4.5)]
    print("contrast: %d texts, lowest %.2f:1" %
          (len(rows), min(r["ratio"] for r in rows)))
    for r in low:
        print("LOW CONTRAST %.2f:1 (%s, %s on %s): %s" %
              (r["ratio"], r["tag"], r["fg"], r["bg"], r["text"]))
    return len(low)


def main():
    off_the_time_shim()
    loopback_by_address()
    if len(sys.argv) != 5 or sys.argv[3] not in ("ack", "open"):
        sys.exit(__doc__)
    exe, profile, mode, url = sys.argv[1:]
    try:
        d = browser(exe, profile)
    except WebDriverException as e:
        print("browser_ack: cannot start Chromium: " + e.msg, file=sys.stderr)
        return 1
    low = 0
    try:
        d.get(url)
        if mode == "ack":
            tap(d, "#link")
            print("=== link\n" + d.page_source)
            low += audit(d)
            tap(d, 'button[value="ack"]')
            print("=== done\n" + d.page_source)
            low += audit(d)
        else:
            print("=== page\n" + d.page_source)
            low += audit(d)
    except (WebDriverException, RuntimeError) as e:
        print("browser_ack: " + str(e), file=sys.stderr)
        return 1
    finally:
        d.quit()
    if low:
        print("browser_ack: %d texts below WCAG AA contrast" % low,
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
