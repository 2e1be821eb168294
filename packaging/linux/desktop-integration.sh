#!/bin/sh
# Desktop integration of an installed VFIO Inspector: "install" links the files under the installation's lib/share/
# (the menu entry, the AppStream metainfo, the hicolor icons, the sample udev rule) into /usr/share and the command
# (lib/command.sh: the GUI without arguments, the CLI with them) into /usr/bin, and makes the class
# archive; "remove" takes away exactly those links and the archive. Run by the .deb's and the .rpm's maintainer
# scripts, so the application itself stays in one folder (/opt/vfio-inspector).
# "archive" alone makes the AppCDS archive of a runtime older than JDK 25 (build.sh runs it for the app-image).
set -e
dir=$(dirname "$(dirname "$(readlink -f "$0")")")   # the installation, e.g. /opt/vfio-inspector
name=vfio-inspector

refresh() {
  if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true; fi
}

# A runtime older than JDK 25 gets a static AppCDS archive of the classes the build's training run loaded
# (lib/app/NAME.classlist), dumped here: JDK 17 maps it only with the jars at the paths it was dumped with. A JDK 25+
# runtime has no class list: its AOT cache came made with the package. A failed dump leaves no archive, and the
# launcher then starts without one (the JVM says nothing).
archive() {
  classlist=$dir/lib/app/$name.classlist
  jsa=$dir/lib/app/$name.jsa
  [ -f "$classlist" ] || return 0
  # the launcher's class path, in its order (the archive must be dumped with the same)
  cp=$(sed -n "s|^app.classpath=\\\$APPDIR|$dir/lib/app|p" "$dir/lib/app/$name.cfg" | paste -sd: -)
  # and its module options (JDK 22+: --enable-native-access), which the archive must have been dumped with too
  # shellcheck disable=SC2046
  set -- $(sed -n 's/^java-options=\(--[a-z-]*=.*\)/\1/p' "$dir/lib/app/$name.cfg")
  rm -f "$jsa"
  if ! "$dir/lib/runtime/bin/java" "$@" -Xshare:dump -XX:SharedClassListFile="$classlist" -XX:SharedArchiveFile="$jsa" \
      -cp "$cp"; then
    rm -f "$jsa"
    echo "$name: no class archive (the dump failed); it starts without one" >&2
    return 1
  fi
}

case "$1" in
  archive)
    archive
    ;;
  install)
    (cd "$dir/lib/share" && find . -type f) | while read -r f; do
      f=${f#./}
      mkdir -p "/usr/share/$(dirname "$f")"
      ln -sfn "$dir/lib/share/$f" "/usr/share/$f"
    done
    ln -sfn "$dir/lib/command.sh" "/usr/bin/$name"
    refresh
    archive >/dev/null 2>&1 || echo "$name: the class archive could not be made; it starts without one" >&2
    ;;
  remove)
    (cd "$dir/lib/share" && find . -type f) | while read -r f; do
      f=${f#./}
      if [ "$(readlink "/usr/share/$f" || true)" = "$dir/lib/share/$f" ]; then rm -f "/usr/share/$f"; fi
    done
    rmdir "/usr/share/doc/$name" 2>/dev/null || true
    case "$(readlink "/usr/bin/$name" || true)" in
      "$dir/lib/command.sh"|"$dir/bin/$name") rm -f "/usr/bin/$name" ;;   # this version's link, or an older one's
    esac
    refresh
    if [ -f "$dir/lib/app/$name.classlist" ]; then rm -f "$dir/lib/app/$name.jsa"; fi
    ;;
  *)
    echo "usage: $0 install|remove|archive" >&2
    exit 2
    ;;
esac
