// Yamux window updates once half the receive window is used, as go-yamux and rust-yamux send them,
// instead of after every data frame as @chainsafe/libp2p-yamux does. On a consensus connection
// every gossip message is one small data frame, so the per-frame update doubled the frames each
// connection carries: every vote or proposal copy came back as a 12-byte window update, framed,
// encrypted, written, read, decrypted and decoded (half of the noise frames an idle validator
// sent). Flow control is unchanged: the sender still stops at the window, and the update comes
// while half of it is left, so a bulk transfer (block sync) is not held up either.
//
// The library offers no option for this, so the muxer's streams are adjusted as it makes them:
// `_newStream` (the one place both inbound and outbound streams come from) and the stream's
// `sendWindowUpdate` are internals; test/p2p/yamuxWindow.test.ts counts the frames on a real
// connection, so an upgrade that moves them fails there rather than silently.
import { yamux } from '@chainsafe/libp2p-yamux';

/** The stream's flow-control state, as the library keeps it (private in its types). */
interface YamuxStreamInternals {
  state: number;
  recvWindow: number;
  recvWindowCapacity: number;
  sendWindowUpdate(): void;
}

interface YamuxMuxerInternals {
  _newStream(...args: unknown[]): YamuxStreamInternals;
}

// StreamState in @chainsafe/libp2p-yamux's stream.js: the states whose next frame carries a flag
// (SYN, ACK) must still send it at once, and a paused stream's update is the library's own logic.
const INIT = 0;
const SYN_RECEIVED = 2;
const PAUSED = 5;

/** Whether an update may wait: no flag to send and more than half the window still open. */
export function mayDeferWindowUpdate(
  s: Pick<YamuxStreamInternals, 'state' | 'recvWindow' | 'recvWindowCapacity'>,
): boolean {
  if (s.state === INIT || s.state === SYN_RECEIVED || s.state === PAUSED) return false;
  return s.recvWindow - s.recvWindowCapacity < s.recvWindow / 2;
}

function deferUpdates(stream: YamuxStreamInternals): YamuxStreamInternals {
  const send = stream.sendWindowUpdate.bind(stream);
  stream.sendWindowUpdate = () => {
    if (!mayDeferWindowUpdate(stream)) send();
  };
  return stream;
}

/** `yamux(init)` whose streams send window updates at half the window. */
export function yamuxHalfWindowUpdates(...init: Parameters<typeof yamux>): ReturnType<typeof yamux> {
  return () => {
    const factory = yamux(...init)();
    const create = factory.createStreamMuxer.bind(factory);
    factory.createStreamMuxer = (maConn) => {
      const muxer = create(maConn);
      const internals = muxer as unknown as YamuxMuxerInternals;
      const newStream = internals._newStream.bind(muxer);
      internals._newStream = (...args) => deferUpdates(newStream(...args));
      return muxer;
    };
    return factory;
  };
}
