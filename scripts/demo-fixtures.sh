#!/bin/sh
# Regenerates the small media files that the simulator (src/mock) serves for normal tasks:
# a playable 3-second H.264 MP4, its WebP thumbnail and a JPEG spritesheet. They are committed
# so that neither users nor CI need ffmpeg; rerun this only to change them.
# Bit-exact flags and a single encoder thread keep the output identical from run to run.
set -eu
cd "$(dirname "$0")/.."
mkdir -p assets
common="-hide_banner -loglevel error -y"
out="-map_metadata -1 -fflags +bitexact"

ffmpeg $common -f lavfi -i "testsrc2=size=320x180:rate=24:duration=3" \
  -c:v libx264 -threads 1 -preset veryslow -crf 32 -pix_fmt yuv420p -profile:v baseline \
  -flags:v +bitexact -movflags +faststart $out \
  assets/sample-video.mp4

ffmpeg $common -ss 1 -i assets/sample-video.mp4 -frames:v 1 -vf "scale=160:90" \
  -c:v libwebp -quality 70 -flags:v +bitexact $out \
  assets/sample-thumbnail.webp

ffmpeg $common -i assets/sample-video.mp4 -vf "fps=1,scale=80:45,tile=3x1" -frames:v 1 \
  -c:v mjpeg -q:v 5 -flags:v +bitexact $out \
  assets/sample-spritesheet.jpg

ls -l assets/sample-video.mp4 assets/sample-thumbnail.webp assets/sample-spritesheet.jpg
