#!/bin/bash
# Open each catalog given in Lokalize, approve one entry (Next, Ctrl+U), save (Ctrl+S) and quit, as a reviewer
# does; run under xvfb-run (no window manager: keys go to the window). LOKALIZE_HOME: a scratch home, where
# the reviewer's identity is set so that Lokalize does not stop to ask for it. Lokalize needs a D-Bus session.
export HOME=${LOKALIZE_HOME:?} XDG_RUNTIME_DIR=${LOKALIZE_HOME}/run
mkdir -p "$HOME/.config" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
printf '[Identity]\nauthorName=Test Reviewer\nauthorEmail=reviewer@example.org\n' > "$HOME/.config/lokalizerc"
for f in "$@"; do
  dbus-run-session -- lokalize "$f" >"$HOME/lokalize.log" 2>&1 &
  pid=$!
  win=
  for i in $(seq 120); do  # its main window is named "<project> — Lokalize"
    for w in $(xdotool search --name "." 2>/dev/null); do
      case "$(xdotool getwindowname "$w" 2>/dev/null)" in *" — Lokalize") win=$w;; esac
    done
    [ -n "$win" ] && break; sleep 0.5
  done
  [ -n "$win" ] || { kill $pid; echo "no window for $f" >&2; exit 1; }
  for i in $(seq 120); do  # the editor takes keys only once the catalog is loaded (then it indexes its words)
    grep -q "for word completion" "$HOME/lokalize.log" && break; sleep 0.5
  done
  sleep 2
  xdotool key --window "$win" Next; sleep 1; xdotool key --window "$win" ctrl+u; sleep 1
  for i in $(seq 20); do
    xdotool key --window "$win" ctrl+s
    for j in $(seq 10); do grep -q "X-Generator: Lokalize" "$f" && break 2; sleep 0.2; done
  done
  pkill -P $pid; kill $pid 2>/dev/null; wait $pid 2>/dev/null
  for i in $(seq 40); do  # the next catalog's window must not be taken for this one's
    xdotool getwindowname "$win" >/dev/null 2>&1 || break; sleep 0.25
  done
  grep -q "X-Generator: Lokalize" "$f" || { echo "not saved: $f" >&2; exit 1; }
done
