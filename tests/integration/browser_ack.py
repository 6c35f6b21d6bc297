#!/usr/bin/env python3
"""browser_ack.py: drive Debian's headless Chromium over the DevTools
protocol on a pipe (--remote-debugging-pipe), Python standard library only,
for tests/integration/test_hub_ackweb.c. No JavaScript runs in the pages:
elements are found and tapped through the DOM and Input domains.

  browser_ack.py CHROMIUM PROFILE ack URL    open URL (a page holding
      <a id="link">), tap the link, print the page, tap the "ack" button,
      print the page after it
  browser_ack.py CHROMIUM PROFILE open URL   open URL, print the page

Pages are printed after a line "=== <name>". Exit status 0, or 1 with the
reason on stderr."""
import ctypes
import fcntl
import json
import os
import select
import subprocess
import sys
import time

WAIT_S = 10


class Browser:
    def __init__(self, exe, profile):
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        # well above 4, so that the child's dup2 onto 3 and 4 cannot
        # clobber one of them
        self.child_in = fcntl.fcntl(to_r, fcntl.F_DUPFD_CLOEXEC, 10)
        self.child_out = fcntl.fcntl(from_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_r)
        os.close(from_w)
        self.w, self.r = to_w, from_r
        libc = ctypes.CDLL(None, use_errno=True)

        def child():
            os.dup2(self.child_in, 3)
            os.dup2(self.child_out, 4)
            libc.prctl(1, 9)        # PR_SET_PDEATHSIG, SIGKILL

        args = [exe, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--remote-debugging-pipe",
                "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=child, close_fds=False,
                                     stdin=subprocess.DEVNULL,
                                     stdout=sys.stderr, stderr=sys.stderr)
        os.close(self.child_in)
        os.close(self.child_out)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([self.r], [], [], left)[0]:
            raise RuntimeError("no answer from chromium")
        data = os.read(self.r, 65536)
        if not data:
            raise RuntimeError("chromium closed the pipe")
        self.buf += data
        while b"\0" in self.buf:
            msg, self.buf = self.buf.split(b"\0", 1)
            yield json.loads(msg)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + WAIT_S
        while True:
            for m in self._read(deadline):
                if m.get("id") == self.next_id:
                    if "error" in m:
                        raise RuntimeError(method + ": " + str(m["error"]))
                    return m.get("result", {})
                self.events.append(m)

    def wait_event(self, method, session):
        deadline = time.monotonic() + WAIT_S
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method and m.get("sessionId") == session:
                    del self.events[:i + 1]
                    return m
            self.events.extend(self._read(deadline))

    def close(self):
        try:
            self.call("Browser.close")
        except RuntimeError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Tab:
    def __init__(self, b):
        self.b = b
        tid = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.s = b.call("Target.attachToTarget",
                        {"targetId": tid, "flatten": True})["sessionId"]
        b.call("Page.enable", session=self.s)
        b.call("DOM.enable", session=self.s)

    def call(self, method, params=None):
        return self.b.call(method, params, self.s)

    def go(self, url):
        self.b.events.clear()
        self.call("Page.navigate", {"url": url})
        self.b.wait_event("Page.loadEventFired", self.s)

    def node(self, selector):
        root = self.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        n = self.call("DOM.querySelector",
                      {"nodeId": root, "selector": selector})["nodeId"]
        if not n:
            raise RuntimeError("nothing on the page matches " + selector)
        return n

    def tap(self, selector):
        """A real click at the middle of the element; waits for the page
        it leads to."""
        n = self.node(selector)
        self.call("DOM.scrollIntoViewIfNeeded", {"nodeId": n})
        q = self.call("DOM.getBoxModel", {"nodeId": n})["model"]["content"]
        x, y = (q[0] + q[4]) / 2, (q[1] + q[5]) / 2
        self.b.events.clear()
        for t in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": t, "x": x, "y": y,
                      "button": "left", "clickCount": 1})
        self.b.wait_event("Page.loadEventFired", self.s)

    def html(self):
        root = self.call("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        return self.call("DOM.getOuterHTML", {"nodeId": root})["outerHTML"]


def off_the_time_shim():
    """The browser stands in for a person's phone, whose clock is its own:
    the date matrix's time shim (libfaketime, tests/dates) is for the hub
    and the boards. Neither Chromium nor Python's sleep runs under it, so
    start again without it."""
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        env = {k: v for k, v in os.environ.items()
               if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


def main():
    off_the_time_shim()
    if len(sys.argv) != 5 or sys.argv[3] not in ("ack", "open"):
        sys.exit(__doc__)
    exe, profile, mode, url = sys.argv[1:]
    b = Browser(exe, profile)
    try:
        tab = Tab(b)
        tab.go(url)
        if mode == "ack":
            tab.tap("#link")
            print("=== link\n" + tab.html())
            tab.tap('button[value="ack"]')
            print("=== done\n" + tab.html())
        else:
            print("=== page\n" + tab.html())
    except (RuntimeError, KeyError, ValueError) as e:
        print("browser_ack: " + str(e), file=sys.stderr)
        return 1
    finally:
        b.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
