# Sourced by lib/command.sh before it starts the desktop inspector (and by benchmarks/scripts/gui-bench.sh, which
# measures the installed app as it starts). Defines software_graphics, and what software graphics is:
# SOFTWARE_GRAPHICS_ENV (the environment the GUI gets) and SOFTWARE_GRAPHICS_JAVA (its JVM options).
#
# On a machine where this user can open no GPU - no DRM render node and no NVIDIA control node: a server whose GPUs
# are bound to vfio-pci, most VMs, Xvfb and VNC sessions - JavaFX's OpenGL pipeline cannot start. JavaFX still tries
# it first and falls back to software rendering, and GTK sets up OpenGL for its visuals as it opens the display:
# both load Mesa, whose software rasteriser (llvmpipe) brings LLVM: ~60 MB resident and ~0.1 s of start for a
# pipeline that is never used (BENCHMARKS.md, ninth round). There the inspector starts on JavaFX's software
# pipeline with GTK's OpenGL off (GDK_GL=disable), which draws the same window.
SOFTWARE_GRAPHICS_ENV=(GDK_GL=disable)
SOFTWARE_GRAPHICS_JAVA=(-Dprism.order=sw)

# software_graphics DEV: succeeds when no GPU node under DEV (/dev) can be opened for reading and writing by this user
# (Mesa opens /dev/dri/renderD* read-write; NVIDIA's GL opens /dev/nvidiactl), and the user has chosen neither
# GTK's OpenGL (GDK_GL set, even empty) nor a JavaFX pipeline (-Dprism.order in JAVA_TOOL_OPTIONS or
# JDK_JAVA_OPTIONS, which the JVM reads before the command line, so the launcher's option would win).
software_graphics() {
  local dev=$1 node
  [ -z "${GDK_GL+set}" ] || return 1
  case " ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} " in
    *-Dprism.order=*) return 1 ;;
  esac
  for node in "$dev"/dri/renderD* "$dev"/nvidiactl; do
    if [ -e "$node" ] && [ -r "$node" ] && [ -w "$node" ]; then
      return 1
    fi
  done
  return 0
}
