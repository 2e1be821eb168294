# Scan time against host size (whole process, median of the hyperfine runs), log-log.
# gnuplot -e "dat='benchmarks/target/scan/scan.dat'; out='benchmarks/scan-time.png'" benchmarks/scripts/plot.gp
if (!exists("dat")) dat = 'benchmarks/target/scan/scan.dat'
if (!exists("out")) out = 'benchmarks/scan-time.png'
set terminal pngcairo size 900,560 font 'DejaVu Sans,11' background rgb 'white'
set output out
set title 'Scan time vs host size (whole process, median)'
set xlabel 'PCI functions'
set ylabel 'seconds'
set logscale xy
set key top left
set grid
set xtics ("100" 100, "1,000" 1000, "10,000" 10000)
set xrange [70:14000]
plot dat using 1:2 with linespoints lw 2 pt 7 title 'vfio-inspector list --json', \
     dat using 1:3 with linespoints lw 2 pt 5 title 'vfio-inspector (C1 + AppCDS)', \
     dat using 1:4 with linespoints lw 2 pt 9 title 'lspci -vv', \
     dat using 1:5 with linespoints lw 2 dt 2 pt 13 title 'floor (same reads, C)', \
     dat using 1:6 with linespoints lw 2 dt 3 pt 11 title 'lspci per device (shell loop)'
