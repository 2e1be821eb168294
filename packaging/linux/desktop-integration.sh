#!/bin/sh
# Desktop integration of an installed VFIO Inspector: "install" links the files under the installation's lib/share/
# (the menu entry, the AppStream metainfo, the hicolor icons, the sample udev rule) into /usr/share and the launcher
# into /usr/bin; "remove" takes away exactly those links. Run by the .deb's and the .rpm's maintainer scripts, so
# the application itself stays in one folder (/opt/vfio-inspector).
set -e
dir=$(dirname "$(dirname "$(readlink -f "$0")")")   # the installation, e.g. /opt/vfio-inspector
name=vfio-inspector

refresh() {
  if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q /usr/share/applications || true; fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true; fi
}

case "$1" in
  install)
    (cd "$dir/lib/share" && find . -type f) | while read -r f; do
      f=${f#./}
      mkdir -p "/usr/share/$(dirname "$f")"
      ln -sfn "$dir/lib/share/$f" "/usr/share/$f"
    done
    ln -sfn "$dir/bin/$name" "/usr/bin/$name"
    refresh
    ;;
  remove)
    (cd "$dir/lib/share" && find . -type f) | while read -r f; do
      f=${f#./}
      if [ "$(readlink "/usr/share/$f" || true)" = "$dir/lib/share/$f" ]; then rm -f "/usr/share/$f"; fi
    done
    rmdir "/usr/share/doc/$name" 2>/dev/null || true
    if [ "$(readlink "/usr/bin/$name" || true)" = "$dir/bin/$name" ]; then rm -f "/usr/bin/$name"; fi
    refresh
    ;;
  *)
    echo "usage: $0 install|remove" >&2
    exit 2
    ;;
esac
