#!/bin/bash
# The vfio-inspector on PATH (/usr/bin/vfio-inspector links here) and the desktop entry's command: without arguments
# the desktop inspector, with them the CLI with the JVM options made for one-shot commands (lib/app/*-cli.cfg: C1
# only; a list is over before C2 pays back, while a GUI session does pay it back: BENCHMARKS.md, fifth round). The
# app decides the same way (Main: no argument = GUI), so either gives the same answer; only the JIT differs.
#
# It starts the runtime's java itself, with what the launcher's .cfg says (class path, main class, JVM options), as
# bin/vfio-inspector[-cli] would: jpackage's Linux launcher first asks `rpm -qf` and `dpkg -S` (and, installed from
# a .deb, `dpkg -L`) which package owns it, 0.1-0.3 s before the JVM starts, on every start (BENCHMARKS.md, seventh
# round). A .cfg it cannot read leaves the start to that launcher.
self=$(readlink -f "$0")
dir=${self%/lib/*}
launcher=vfio-inspector
if [ $# -gt 0 ]; then
  launcher=vfio-inspector-cli
fi
app=$dir/lib/app
java=$dir/lib/runtime/bin/java
opts=()
cp=
main=
if [ -x "$java" ] && [ -r "$app/$launcher.cfg" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line//\$APPDIR/$app}
    case $line in
      app.classpath=*) cp=${cp:+$cp:}${line#app.classpath=} ;;
      app.mainclass=*) main=${line#app.mainclass=} ;;
      java-options=*) opts+=("${line#java-options=}") ;;
    esac
  done < "$app/$launcher.cfg"
fi
if [ -z "$main" ] || [ -z "$cp" ]; then
  exec "$dir/bin/$launcher" "$@"
fi
# The GUI on a machine with no GPU it can open: JavaFX's software pipeline from the start, GTK's OpenGL off (what
# lib/graphics.sh says and why)
if [ $# -eq 0 ] && [ -r "$dir/lib/graphics.sh" ] && . "$dir/lib/graphics.sh" && software_graphics /dev; then
  export "${SOFTWARE_GRAPHICS_ENV[@]}"
  opts+=("${SOFTWARE_GRAPHICS_JAVA[@]}")
fi
exec "$java" "${opts[@]}" "-Djpackage.app-path=$dir/bin/$launcher" -cp "$cp" "$main" "$@"
