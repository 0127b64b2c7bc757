/**
 * Optional alerts for new notifications: a short tone (WebAudio, no sound file) and a desktop notification.
 * Both are off until the user turns them on in the bell's panel, per browser (localStorage); the desktop
 * permission is asked only in that click's handler, never on load.
 */
import { useState } from 'preact/hooks';

export type AlertPrefs = { sound: boolean; desktop: boolean };
const KEY = 'jiesu.inbox.alerts';

function readPrefs(): AlertPrefs {
  try {
    const p = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<AlertPrefs>;
    return { sound: p.sound === true, desktop: p.desktop === true && desktopPermission() === 'granted' };
  } catch {
    return { sound: false, desktop: false };
  }
}

function writePrefs(p: AlertPrefs) {
  try {
    localStorage.setItem(KEY, JSON.stringify(p));
  } catch {
    /* storage unavailable: the choice lasts for this page only */
  }
}

export function desktopPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

let audio: AudioContext | null = null;

/** Two short rising notes (~0.3 s), quiet. Created on a user action first, so autoplay rules allow it later. */
export function playTone() {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
    const t0 = audio.currentTime;
    for (const [i, freq] of [660, 880].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const at = t0 + i * 0.15;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.14);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.15);
    }
  } catch {
    /* no audio output: nothing to play */
  }
}

/** A desktop notification that opens the ticket page when clicked (one per notification id, however many tabs). */
export function showDesktop(title: string, body: string, tag: string, onClick: () => void) {
  if (desktopPermission() !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag, lang: document.documentElement.lang });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    /* some browsers allow notifications only from a service worker: the bell still shows it */
  }
}

/** The user's alert choices and their toggles; `problem` says why desktop notifications could not be turned on. */
export function useAlertPrefs() {
  const [prefs, setPrefs] = useState(readPrefs);
  const [problem, setProblem] = useState<'unsupported' | 'denied' | null>(null);
  const save = (patch: Partial<AlertPrefs>) =>
    setPrefs((p) => {
      const next = { ...p, ...patch };
      writePrefs(next);
      return next;
    });
  const toggleSound = (on: boolean) => {
    save({ sound: on });
    if (on) playTone(); // a sample, and this click unlocks audio for later alerts
  };
  const toggleDesktop = async (on: boolean) => {
    setProblem(null);
    if (!on) return save({ desktop: false });
    if (desktopPermission() === 'unsupported') return setProblem('unsupported');
    // Asked here, in the click's handler: browsers refuse (or hide) a request made without a user action.
    const answer = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (answer !== 'granted') setProblem('denied');
    save({ desktop: answer === 'granted' });
  };
  return { prefs, problem, toggleSound, toggleDesktop };
}
