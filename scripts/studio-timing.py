#!/usr/bin/env python3
"""Times Headroom Studio on a 5-minute song, as the issue asks: upload → analysis, opening the song's page
until its plots and checklist are visible (three fresh loads), a render in the studio against the CLI's
master of the same mix, and the server's memory. Uses the browser test's helpers (headless Chromium).

usage: scripts/studio-timing.py [BUILD_DIR]   (default .build/release; make studio-timing)
"""
import os, subprocess, sys, tempfile, time, wave

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "browser"))
import studio_test as t  # noqa: E402  (the proxy settings and helpers)
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

MINUTES = 5.0


def five_minute_mix(work):
    demo = os.path.join(work, "demo.wav")
    subprocess.run([os.path.join(t.BUILD, "headroom"), "demo-mix", demo], check=True, capture_output=True)
    with wave.open(demo, "rb") as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    need = int(MINUTES * 60 * params.framerate) * params.nchannels * params.sampwidth
    path = os.path.join(work, "five-minutes.wav")
    with wave.open(path, "wb") as out:
        out.setparams(params)
        out.writeframes((frames * (need // len(frames) + 1))[:need])
    return path


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024


def main():
    work = tempfile.mkdtemp(prefix="headroom-timing-")
    mix = five_minute_mix(work)
    studio = t.Studio()
    try:
        with open(mix, "rb") as f:
            data = f.read()
        t0 = time.time()
        _, body = t.http(f"{studio.url}/api/songs?name=five-minutes.wav", data=data, method="POST")
        added = t.json.loads(body)
        song, job = added["song"]["id"], added["job"]["id"]
        while studio.api(f"/api/jobs/{job}")["status"] in ("queued", "running"):
            time.sleep(0.05)
        print(f"upload + analysis of a {MINUTES:.0f}-minute song: {time.time() - t0:.2f} s")

        options = webdriver.ChromeOptions()
        options.binary_location = t.CHROMIUM
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--no-proxy-server", "--window-size=1400,1300", "--disable-gpu"):
            options.add_argument(a)
        for attempt in range(3):
            driver = webdriver.Chrome(service=Service(t.CHROMEDRIVER), options=options)
            t0 = time.time()
            driver.get(f"{studio.url}/#song={song}")
            t.wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#plot-waveform svg")
                   and d.find_elements(By.CSS_SELECTOR, "#plot-loudness svg polyline.curve.mix")
                   and d.find_elements(By.CSS_SELECTOR, "#plot-spectrum svg")
                   and d.find_elements(By.CSS_SELECTOR, "#checklist li"), 30, "plots and checklist")
            print(f"page open {attempt + 1}: plots and checklist visible in {time.time() - t0:.2f} s")
            driver.quit()

        t0 = time.time()
        _, body = t.http(f"{studio.url}/api/songs/{song}/renders", data=b'{"target": "spotify"}', method="POST",
                         headers={"Content-Type": "application/json"})
        job = t.json.loads(body)["job"]["id"]
        while studio.api(f"/api/jobs/{job}")["status"] in ("queued", "running"):
            time.sleep(0.05)
        print(f"render in the studio (codec checks included): {time.time() - t0:.2f} s")
        t0 = time.time()
        subprocess.run([os.path.join(t.BUILD, "headroom"), "master", mix, "-q", "-o", os.path.join(work, "cli.wav")], check=True)
        print(f"headroom master on the same mix: {time.time() - t0:.2f} s")
        print(f"server memory (RSS) after the render: {rss_mb(studio.proc.pid):.0f} MB")
        # Three songs in the library, each opened (its view and plots asked for).
        for name in ("second", "third"):
            _, body = t.http(f"{studio.url}/api/songs?name={name}.wav", data=data, method="POST")
            job = t.json.loads(body)["job"]["id"]
            while studio.api(f"/api/jobs/{job}")["status"] in ("queued", "running"):
                time.sleep(0.05)
        for s in studio.api("/api/songs"):
            studio.api(f"/api/songs/{s['id']}")
            for plot in ("waveform", "loudness", "spectrum"):
                t.http(f"{studio.url}/api/songs/{s['id']}/plots/{plot}.svg")
        print(f"server memory (RSS) with three {MINUTES:.0f}-minute songs loaded: {rss_mb(studio.proc.pid):.0f} MB")
    finally:
        studio.stop()


if __name__ == "__main__":
    main()
