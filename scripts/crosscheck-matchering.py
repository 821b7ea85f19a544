#!/usr/bin/env python3
# Cross-check (not part of the product): Matchering 2 vs Headroom on the dev corpus, each premaster against
# the next track's released master, measured with independent tools: pyloudnorm loudness normalization,
# numpy FFT 1/3-octave bands 40 Hz-16 kHz over the whole track, scipy 8x true peak.
# Setup: pip install matchering pyloudnorm soundfile scipy; build the corpus (make corpus); master with
#   for each pair: headroom master premaster/X.wav -o /tmp/mt/X.wav --reference orig/NEXT.wav
# Run: scripts/crosscheck-matchering.py matchering|headroom [CORPUS_DIR]
# (pyloudnorm loudness normalization, numpy FFT 1/3-octave bands 40 Hz-16 kHz, whole track; 8x true peak by scipy).
import sys, os, time, json, subprocess
import numpy as np, soundfile as sf, pyloudnorm as pyln
from scipy.signal import resample_poly
C=sys.argv[2] if len(sys.argv) > 2 else '/tmp/headroom-dev-corpus'; T=['calmrace-ks','credits1-cp','freezingpoint','race1-jt','spunkyrace-ks','start1-jt']
centers=[40,50,63,80,100,125,160,200,250,315,400,500,630,800,1000,1250,1600,2000,2500,3150,4000,5000,6300,8000,10000,12500,16000]
def profile(path):
    x,sr=sf.read(path, always_2d=True)
    L=pyln.Meter(sr).integrated_loudness(x)
    m=x.mean(1); N=8192; P=np.zeros(N//2+1); w=np.hanning(N)
    n=0
    for i in range(0,len(m)-N,N): P+=np.abs(np.fft.rfft(m[i:i+N]*w))**2; n+=1
    P/=max(1,n)  # the long-term average: independent of the track's length
    f=np.fft.rfftfreq(N,1/sr)
    b=np.array([10*np.log10(P[(f>=c/2**(1/6))&(f<c*2**(1/6))].sum()+1e-30) for c in centers])
    return b-L, L, x, sr
def tp8(x):
    return 20*np.log10(max(np.abs(resample_poly(x[:,c],8,1)).max() for c in range(x.shape[1])))
mode=sys.argv[1]
for i,m in enumerate(T):
    r=T[(i+1)%6]
    ref=f'{C}/orig/{r}.wav'; pre=f'{C}/premaster/{m}.wav'
    bref,Lref,_,_=profile(ref)
    if mode=='matchering-files':
        out=f'/tmp/mg/{m}.wav'; dt=0
    elif mode=='matchering':
        import matchering as mg
        out=f'/tmp/mg/{m}.wav'; os.makedirs('/tmp/mg', exist_ok=True)
        t0=time.time(); mg.process(target=pre, reference=ref, results=[mg.pcm24(out)]); dt=time.time()-t0
    else:
        out=f'/tmp/mt/{m}.wav'; dt=0
    bp,Lp,_,_=profile(pre); bo,Lo,xo,sro=profile(out)
    d=lambda a: np.mean(np.abs(a-bref))
    print(f'{mode:10} {m:14} ref {r:14} tone {d(bp):.2f} -> {d(bo):.2f}  LUFS {Lo:6.2f} (ref {Lref:6.2f})  TP8 {tp8(xo):+.2f} dBTP  {dt:.1f}s', flush=True)
