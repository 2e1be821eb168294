#!/usr/bin/env bash
# Builds the installers with the JDK that runs the build (17 or newer): a jlink runtime with JavaFX (its native
# libraries in the runtime's lib/, so nothing is unpacked at first start) and a CDS archive, then an app-image, a
# .deb and an .rpm with jpackage. Called by packaging/pom.xml (mvn package), which passes every setting below; the
# module list and the JVM options live there.
set -euo pipefail

for v in JDK TARGET INPUT JAVAFX ICONS MAIN_JAR MAIN_CLASS MODULES VERSION TYPES LINUX_DIR; do
  if [ -z "${!v:-}" ]; then
    echo "packaging/build.sh: $v is not set (run it through mvn package in packaging/)" >&2
    exit 2
  fi
done
JVM_OPTIONS=${JVM_OPTIONS:-}
CLI_JVM_OPTIONS=${CLI_JVM_OPTIONS:-}
NAME=vfio-inspector
APP_ID=org.vfioinspector.VfioInspector
INSTALL_DIR=/opt/$NAME
VERSION=${VERSION%-SNAPSHOT}   # jpackage wants numbers only

need() {
  command -v "$1" >/dev/null || { echo "packaging/build.sh: '$1' is missing; it is needed for $2 (sudo .ci/install-packages)" >&2; exit 1; }
}
need objdump "the .rpm's Requires (binutils)"
for t in $TYPES; do
  case $t in
    app-image) ;;
    deb) need dpkg-deb ".deb (dpkg)"; need fakeroot ".deb (fakeroot)"; need dpkg-shlibdeps ".deb dependencies (dpkg-dev)" ;;
    rpm) need rpmbuild ".rpm (rpm)" ;;
    *) echo "packaging/build.sh: unknown package type '$t' in TYPES (expected app-image, deb, rpm)" >&2; exit 2 ;;
  esac
done

bin=$JDK/bin
out=$TARGET/jpackage
rm -rf "$TARGET/jfx-work" "$TARGET/jfx-jmods" "$TARGET/runtime" "$TARGET/resources" "$out"
mkdir -p "$TARGET/jfx-jmods" "$out"

# 1. JavaFX's Maven jars are modular jars with the .so files at their root. As jmods with those files under
#    --libs, jlink puts them into the runtime's lib/, where JavaFX's loader finds them (System.loadLibrary)
#    instead of extracting the jar's copies into ~/.openjfx/cache.
for jar in "$JAVAFX"/*.jar; do
  module=$("$bin/jar" --describe-module --file "$jar" | head -n 1 | sed 's/@.*//')
  work=$TARGET/jfx-work/$module
  mkdir -p "$work/classes" "$work/lib"
  (cd "$work/classes" && "$bin/jar" xf "$jar")
  find "$work/classes" -maxdepth 1 -name '*.so' -exec mv {} "$work/lib/" \;
  rm -rf "$work/classes/META-INF/MANIFEST.MF"
  libs=()
  if [ -n "$(ls -A "$work/lib")" ]; then libs=(--libs "$work/lib"); fi
  "$bin/jmod" create --class-path "$work/classes" "${libs[@]}" "$TARGET/jfx-jmods/$module.jmod"
done

# 2. The runtime. A JDK without jmods/ (Temurin 24+) links from its own run-time image (JEP 493).
modulepath=$TARGET/jfx-jmods
if [ -d "$JDK/jmods" ]; then modulepath=$JDK/jmods:$modulepath; fi
"$bin/jlink" --module-path "$modulepath" --add-modules "$MODULES" \
  --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive \
  --output "$TARGET/runtime"

# 3. The app-image: the launchers, the runtime and the app's jars (JavaFX comes from the runtime, not from jars).
#    bin/vfio-inspector is the GUI (and the CLI); bin/vfio-inspector-cli the same class path and main class with the
#    CLI's JVM options (an added launcher's java-options replace the main one's), which lib/command.sh, the
#    vfio-inspector on PATH, starts for a command.
java_options=()
for o in $JVM_OPTIONS; do java_options+=(--java-options "$o"); done
# shellcheck disable=SC2086
printf 'java-options=%s\n' "$(echo $CLI_JVM_OPTIONS)" > "$TARGET/cli.properties"
"$bin/jpackage" --type app-image --name "$NAME" --app-version "$VERSION" \
  --vendor "VFIO Inspector" --description "Desktop inspector for Linux VFIO" \
  --input "$INPUT" --main-jar "$MAIN_JAR" --main-class "$MAIN_CLASS" \
  --runtime-image "$TARGET/runtime" --icon "$ICONS/vfio-inspector-256.png" \
  "${java_options[@]}" --add-launcher "$NAME-cli=$TARGET/cli.properties" --dest "$out"
image=$out/$NAME

# Desktop integration inside the image (lib/share/ mirrors /usr/share; jpackage carries only bin/ and lib/ of an
# app-image into the packages); the packages link it into /usr by lib/desktop-integration.sh, which their
# maintainer scripts run.
share=$image/lib/share
install -D -m 644 "$LINUX_DIR/$APP_ID.desktop" "$share/applications/$APP_ID.desktop"
install -D -m 644 "$LINUX_DIR/$APP_ID.metainfo.xml" "$share/metainfo/$APP_ID.metainfo.xml"
for png in "$ICONS"/vfio-inspector-*.png; do
  size=${png##*-}; size=${size%.png}
  install -D -m 644 "$png" "$share/icons/hicolor/${size}x${size}/apps/$NAME.png"
done
install -D -m 644 "$LINUX_DIR/70-vfio-inspector.rules" "$share/doc/$NAME/70-vfio-inspector.rules"
install -D -m 755 "$LINUX_DIR/desktop-integration.sh" "$image/lib/desktop-integration.sh"
install -D -m 755 "$LINUX_DIR/command.sh" "$image/lib/command.sh"
install -D -m 644 "$LINUX_DIR/graphics.sh" "$image/lib/graphics.sh"

# 4. The class archive: what a user's first runs load (org.vfioinspector.app.Training, started by the launcher with
#    -Dvfioinspector.training: list of a lab host as JSON and as text, then the GUI on it under Xvfb), so that the
#    CLI and the GUI start from an archive. A JDK 25+ runtime gets an AOT cache (JEP 483/514/515: classes loaded and
#    linked, method profiles; made now, it still fits when the image moves to /opt). An older one gets the loaded-class
#    list, from which a static AppCDS archive is dumped here for the app-image and again by the maintainer scripts
#    where the packages install it (JDK 17 checks the jars' absolute paths). BENCHMARKS.md, third round, measures both.
feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$TARGET/runtime/release")
app=$image/lib/app
cfgs=("$app/$NAME.cfg" "$app/$NAME-cli.cfg")
training_host=${TRAINING_HOST:-lab:gpu-server}
work=$TARGET/training
rm -rf "$work"
mkdir -p "$work/home"
display=
xvfb=
if command -v Xvfb >/dev/null; then
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
  xvfb=$!
  for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
  if [ -s "$work/display" ]; then display=:$(head -n 1 "$work/display"); fi
fi
[ -n "$display" ] || echo "packaging/build.sh: no Xvfb: the class archive is trained on the command line only" >&2
if [ "$feature" -ge 25 ]; then
  archive_option="-XX:AOTCacheOutput=$app/$NAME.aot"
else
  archive_option="-XX:DumpLoadedClassList=$work/classes.txt"
fi
# the launcher itself, so the run has the installed app's class path, modules and JVM options; a private HOME
(
  unset WAYLAND_DISPLAY DISPLAY
  if [ -n "$display" ]; then export DISPLAY=$display; fi
  export HOME=$work/home XDG_CONFIG_HOME=$work/home/config XDG_STATE_HOME=$work/home/state
  export JAVA_TOOL_OPTIONS="$archive_option -Dvfioinspector.training=$training_host"
  exec "$image/bin/$NAME"
) >"$work/run.log" 2>&1 &
pid=$!
# the GUI part ends once it has shown the host (its journal records the open), or after 3 minutes
for _ in $(seq 1800); do
  kill -0 "$pid" 2>/dev/null || break
  if grep -qs "${training_host#lab:}" "$work"/home/state/vfio-inspector/journal/*.jsonl; then
    sleep 3
    kill -TERM "$pid"
    break
  fi
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null && kill -TERM "$pid"
wait "$pid" || true
if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true; fi
# A stale archive (a jar replaced by hand, an app-image moved on JDK 17) is refused by the JVM with a warning, which
# unified logging prints on stdout by default, into list --json's output: the launcher sends JVM warnings to stderr.
# Both launchers map the one archive (same class path; the CLI's JIT options do not matter to it).
for cfg in "${cfgs[@]}"; do
  printf 'java-options=-Xlog:disable\njava-options=-Xlog:all=warning:stderr\n' >> "$cfg"
done
if [ "$feature" -ge 25 ]; then
  [ -s "$app/$NAME.aot" ] || { echo "packaging/build.sh: the training run made no AOT cache:" >&2; cat "$work/run.log" >&2; exit 1; }
  for cfg in "${cfgs[@]}"; do echo "java-options=-XX:AOTCache=\$APPDIR/$NAME.aot" >> "$cfg"; done
else
  grep -q '^org/vfioinspector/app/cli/ListCommand' "$work/classes.txt" \
    || { echo "packaging/build.sh: the training run listed no app classes:" >&2; cat "$work/run.log" >&2; exit 1; }
  grep -v '^#' "$work/classes.txt" > "$app/$NAME.classlist"
  "$image/lib/desktop-integration.sh" archive >"$work/dump.log" 2>&1 \
    || { echo "packaging/build.sh: the AppCDS dump failed:" >&2; cat "$work/dump.log" >&2; exit 1; }
  for cfg in "${cfgs[@]}"; do echo "java-options=-XX:SharedArchiveFile=\$APPDIR/$NAME.jsa" >> "$cfg"; done
fi

# The native libraries' direct dependencies outside the runtime, as RPM soname capabilities
# (e.g. libgtk-3.so.0()(64bit)), which every RPM distribution resolves to its own package names.
rpm_requires() {
  local own needed
  own=$(find "$image/lib/runtime" -name '*.so*' -printf '%f\n' | sort -u)
  needed=$(find "$image" -type f \( -name '*.so*' -o -perm -u+x \) -exec sh -c 'objdump -p "$1" 2>/dev/null' _ {} \; \
    | awk '$1 == "NEEDED" { print $2 }' | sort -u)
  comm -23 <(echo "$needed") <(echo "$own") | grep -v '^ld-linux' | sed 's/$/()(64bit)/' | paste -sd, | sed 's/,/, /g'
}

# The packages carry the class list, not the app-image's AppCDS archive: their maintainer scripts dump it in place.
if [ -f "$app/$NAME.jsa" ]; then mv "$app/$NAME.jsa" "$work/$NAME.jsa"; fi
for t in $TYPES; do
  case $t in
    deb)
      mkdir -p "$TARGET/resources/deb"
      cp "$LINUX_DIR/deb/postinst" "$LINUX_DIR/deb/prerm" "$TARGET/resources/deb/"
      # Depends: jpackage finds the packages that hold the libraries the image's ELF files link (ldd, dpkg -S)
      "$bin/jpackage" --type deb --app-image "$image" --name "$NAME" --app-version "$VERSION" \
        --vendor "VFIO Inspector" --description "Desktop inspector for Linux VFIO" \
        --install-dir /opt --resource-dir "$TARGET/resources/deb" \
        --linux-deb-maintainer "$MAINTAINER" --linux-app-category utils \
        --dest "$out"
      ;;
    rpm)
      mkdir -p "$TARGET/resources/rpm"
      cp "$LINUX_DIR/rpm/$NAME.spec" "$TARGET/resources/rpm/"
      "$bin/jpackage" --type rpm --app-image "$image" --name "$NAME" --app-version "$VERSION" \
        --vendor "VFIO Inspector" --description "Desktop inspector for Linux VFIO" \
        --install-dir /opt --resource-dir "$TARGET/resources/rpm" \
        --linux-package-deps "$(rpm_requires)" --linux-app-category Applications/System \
        --dest "$out"
      ;;
  esac
done
if [ -f "$work/$NAME.jsa" ]; then mv "$work/$NAME.jsa" "$app/$NAME.jsa"; fi
ls -l "$out"
