#!/usr/bin/env python3
"""How fast a pasted log becomes the session's evidence (issue 17), through a real pseudo-terminal.

Opens `runbook open go-map-concurrency` at 120x40, runs the evidence step (its dialog opens), pastes LOG as one
bracketed paste, presses Enter to load it, and waits for the evidence. The figures come from the binary
(`RUNBOOK_FRAME_TIMES=1`: when the paste arrived and when the first frame with the evidence was drawn, from the
process's start) and from this script (when it pressed Enter, from the spawn): the load is "evidence - Enter".
Writing a 100 MB paste through a pseudo-terminal itself takes seconds; that is the terminal's part, shown apart.

usage: benches/tui-paste.py RUNBOOK_BIN LOG
"""
import fcntl, os, pty, re, select, struct, sys, tempfile, termios, time

runbook, log_path = os.path.abspath(sys.argv[1]), sys.argv[2]
log = open(log_path, 'rb').read()
work = tempfile.mkdtemp()
err_path = os.path.join(work, 'err')
spawned = time.time()
pid, fd = pty.fork()
if pid == 0:
    os.environ['RUNBOOK_FRAME_TIMES'] = '1'
    os.environ['TERM'] = 'xterm-256color'
    os.dup2(os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
    os.chdir(work)
    os.execv(runbook, [runbook, 'open', 'go-map-concurrency', '--journal', os.path.join(work, 'session')])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
screen = bytearray()


def pump(seconds, until=None):
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.02)
        if ready:
            try:
                screen.extend(os.read(fd, 1 << 16))
            except OSError:
                return
            if until and until in screen[-200000:]:
                return


pump(1.0)
os.write(fd, b'\r')  # the evidence step: its dialog
pump(0.5)
data = memoryview(b'\x1b[200~' + log + b'\x1b[201~')
written_from = time.time()
while data:
    ready, writable, _ = select.select([fd], [fd], [], 0.05)
    if ready:
        try:
            screen.extend(os.read(fd, 1 << 16))
        except OSError:
            break
    if writable:
        data = data[os.write(fd, data[:1 << 16]):]
written = time.time() - written_from
pump(1.0)
enter = time.time() - spawned
os.write(fd, b'\r')  # load it
pump(30.0, until=b'evidence in')
os.write(fd, b'q')
pump(3.0)
os.waitpid(pid, 0)
err = open(err_path).read()
evidence = re.search(r'first frame with the evidence ([0-9.]+) ms', err)
paste = re.search(r'paste complete ([0-9.]+) ms', err)
mb = len(log) / 1e6
print(f'paste of {mb:.1f} MB: written through the pty in {written * 1e3:.0f} ms; '
      f'arrived {paste.group(1) if paste else "?"} ms after start; '
      f'evidence on screen {float(evidence.group(1)) - enter * 1e3:.0f} ms after Enter' if evidence else
      f'paste of {mb:.1f} MB: no evidence frame ({err.strip()})')
