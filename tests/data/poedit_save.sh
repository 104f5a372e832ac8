#!/bin/bash
# Open each catalog given in Poedit, save it (Ctrl+S) and close Poedit, as a translator does; run under
# xvfb-run (no window manager: keys go to the window). POEDIT_HOME: a scratch home for its settings.
export HOME=${POEDIT_HOME:?}
mkdir -p "$HOME"
for f in "$@"; do
  poedit "$f" >/dev/null 2>&1 &
  pid=$!
  win=$(timeout 20 xdotool search --sync --onlyvisible --name "$(basename "$f") " | head -1)
  [ -n "$win" ] || { kill $pid; echo "no window for $f" >&2; exit 1; }
  for i in $(seq 30); do  # the window takes keys only a while after it shows: press again until saved
    sleep 1
    xdotool key --window "$win" ctrl+s
    for j in $(seq 10); do grep -q "X-Generator: Poedit" "$f" && break 2; sleep 0.2; done
  done
  kill $pid; wait $pid 2>/dev/null
  grep -q "X-Generator: Poedit" "$f" || { echo "not saved: $f" >&2; exit 1; }
done
