#!/usr/bin/env bash
# Makes the demo lesson clips under public/media/ (served at /media/): three short silent VP9
# WebM videos of the trial course's lengths (45, 50, 40 s) with a running clock, and a WebVTT
# caption file for each. Generated, so freely licensed (CC0). Output is committed; only rerun
# to change them. Needs ffmpeg (Debian: apt-get install ffmpeg). Keep the total under 1 MB.
set -euo pipefail
cd "$(dirname "$0")/../public/media"
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
titles=("What is MH education" "A day of a head teacher" "Where to get help")
durations=(45 50 40)
colors=("0x0f5c4d" "0x1d4e89" "0x6b3fa0")
for i in 0 1 2; do
  n=$((i + 1))
  d=${durations[$i]}
  ffmpeg -y -loglevel error -f lavfi -i "color=c=${colors[$i]}:s=320x180:r=10:d=${d}" \
    -vf "drawtext=fontfile=${font}:text='Qualify demo ${n}':fontcolor=white:fontsize=22:x=(w-tw)/2:y=40,\
drawtext=fontfile=${font}:text='${titles[$i]}':fontcolor=white:fontsize=14:x=(w-tw)/2:y=80,\
drawtext=fontfile=${font}:text='%{pts\:hms}':fontcolor=white:fontsize=28:x=(w-tw)/2:y=115,\
drawbox=x=0:y=170:w='iw*t/${d}':h=10:color=white@0.8:t=fill" \
    -c:v libvpx-vp9 -b:v 40k -crf 50 -g 50 -deadline good -cpu-used 4 -pix_fmt yuv420p -an \
    "trial-${n}.webm"
  {
    echo "WEBVTT"
    echo
    for ((s = 0; s < d; s += 15)); do
      e=$((s + 15 > d ? d : s + 15))
      printf '00:00:%02d.000 --> 00:00:%02d.000\n' "$s" "$e"
      echo "示例课节 ${n}：${titles[$i]}（第 $((s / 15 + 1)) 段）"
      echo
    done
  } > "trial-${n}.vtt"
done
du -ch trial-* | tail -1
