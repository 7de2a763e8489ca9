import { ALERT_URGENCY, type AlertKind } from '@dispatch/protocol';

/** One tone: pitch (Hz), start and length (s) within its pattern, and the waveform. */
interface Tone {
  hz: number;
  at: number;
  s: number;
  wave?: OscillatorType;
}

/**
 * Each kind its own pitch and rhythm, told apart without looking: a rising two-note chime for a new call, a fast
 * high triple for a call still without a vehicle, three low long beeps for a crew that has not acknowledged, a
 * falling pair for a re-offer, and a two-tone siren for a hospital that did not acknowledge; a crew's message blips.
 */
export type AlertSound = AlertKind | 'crewMessage';

export const ALERT_TONES: Record<AlertSound, Tone[]> = {
  newCall: [{ hz: 660, at: 0, s: 0.18 }, { hz: 880, at: 0.22, s: 0.28 }],
  unassigned: [0, 0.16, 0.32, 0.7, 0.86, 1.02].map((at) => ({ hz: 1175, at, s: 0.1, wave: 'square' as const })),
  ackOverdue: [0, 0.5, 1].map((at) => ({ hz: 523, at, s: 0.35, wave: 'triangle' as const })),
  reoffer: [{ hz: 988, at: 0, s: 0.2 }, { hz: 659, at: 0.25, s: 0.35 }],
  escalation: [0, 0.3, 0.6, 0.9].map((at, i) => ({ hz: i % 2 ? 466 : 740, at, s: 0.28, wave: 'sawtooth' as const })),
  // Not an alert: a crew wrote; a soft short double blip.
  crewMessage: [{ hz: 1319, at: 0, s: 0.07 }, { hz: 1319, at: 0.12, s: 0.07 }],
};

/** The most urgent of these kinds (the sound played when several start at once). */
export const mostUrgent = (kinds: Iterable<AlertKind>): AlertKind | null => {
  const present = new Set(kinds);
  return ALERT_URGENCY.find((k) => present.has(k)) ?? null;
};

type Listener = () => void;

/**
 * Plays alert sounds made with the Web Audio API (no sound files). Browsers keep audio off until the page gets a
 * user gesture (the autoplay rule): until then `blocked` is true, the console shows an "enable sound" prompt, and
 * the first click or key anywhere unlocks it. Every request is also written on the document element
 * (`data-alert-sound`, `data-alert-sound-count`), which is what a test can check, since headless browsers hear nothing.
 */
export class AlertPlayer {
  private context: AudioContext | null = null;
  private readonly listeners = new Set<Listener>();
  private count = 0;

  constructor(private readonly root: HTMLElement = document.documentElement) {
    // On the click, not the press: the prompt leaving the header must not move what the press was aimed at. And
    // after the click is done: a re-render inside it (the prompt going) reset a checkbox the browser had already
    // toggled, so the dispatcher's first click in the console was lost. The page keeps its user activation.
    const unlock = () => void setTimeout(() => void this.unlock(), 0);
    window.addEventListener('click', unlock, { capture: true });
    window.addEventListener('keydown', unlock, { capture: true });
  }

  /** Audio is still held back by the autoplay rule (or the browser has no Web Audio). */
  get blocked(): boolean {
    return this.context?.state !== 'running';
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called from a user gesture: creates or resumes the audio context. */
  async unlock(): Promise<void> {
    if (!this.blocked) return;
    try {
      this.context ??= new AudioContext();
      this.context.onstatechange = () => this.listeners.forEach((l) => l());
      await this.context.resume();
    } catch {
      // No Web Audio here: the visual alerts still work.
    }
    this.listeners.forEach((l) => l());
  }

  /** Plays the kind's pattern once (recorded even while audio is blocked, so the request is visible). */
  play(kind: AlertSound): void {
    this.count += 1;
    this.root.dataset.alertSound = kind;
    this.root.dataset.alertSoundCount = String(this.count);
    const context = this.context;
    if (!context || context.state !== 'running') return;
    const start = context.currentTime + 0.02;
    for (const tone of ALERT_TONES[kind]) {
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.type = tone.wave ?? 'sine';
      osc.frequency.value = tone.hz;
      // A short attack and release: no clicks.
      gain.gain.setValueAtTime(0, start + tone.at);
      gain.gain.linearRampToValueAtTime(0.25, start + tone.at + 0.015);
      gain.gain.setValueAtTime(0.25, start + tone.at + tone.s - 0.03);
      gain.gain.linearRampToValueAtTime(0, start + tone.at + tone.s);
      osc.connect(gain).connect(context.destination);
      osc.start(start + tone.at);
      osc.stop(start + tone.at + tone.s + 0.02);
    }
  }
}
