// The attribution module as the explorer shows it: the ABI codec (abi.js, bundled from the modules'
// own ABIs with ox by explorer/bundle/build.ts), enum names, and topics for log filters.
export {
  ATTRIBUTION_ADDRESS,
  decodeCall,
  decodeLog,
  decodeResult,
  encodeCall,
  eventTopic,
} from './abi.js';

export const POLICY_NAMES = ['open', 'curated'];
export const ROLE_NAMES = ['model owner', 'base model owner', 'contributor', 'validator', 'treasury'];

/** An indexed uint or address as a topic (left-padded to 32 bytes). */
export function topicOf(value) {
  const hex = typeof value === 'string' ? value.slice(2).toLowerCase() : BigInt(value).toString(16);
  return `0x${hex.padStart(64, '0')}`;
}
