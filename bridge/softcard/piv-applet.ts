/**
 * The PIV Card Application of the software card: dispatches each complete command (after the
 * transmission layer joined chains) to its handler, owns the persistent state and persists every change
 * through the store before the handler returns. Never throws: failures become status words.
 */
import { Ins, KeyRef } from '../../src/piv/constants.js';
import { type AppletContext, resetSecurity, type SecurityStatus } from './applet-context.js';
import { type CardState } from './card-state.js';
import { type SoftCardStore } from './card-store.js';
import { type ReceivedCommand } from './command-parser.js';
import { handleGetData, handlePutData } from './data-objects.js';
import { SoftCardError, SoftCardErrorCode } from './errors.js';
import { handleGenerate, handleImport } from './key-commands.js';
import { handleManagementAuthenticate, handleSetManagementKey } from './management-key.js';
import { handleChangeReference, handleResetRetryCounter, handleSetPinRetries, handleVerify } from './pin-commands.js';
import { handlePrivateKeyOperation } from './private-key-ops.js';
import { handleSelect } from './select.js';
import { type CardResponse, status, Sw } from './status.js';
import { handleGetMetadata, handleGetSerial, handleGetVersion, handleReset } from './yubikey-commands.js';

/** The PIV application with its non-volatile state. */
export class PivApplet {
  private current: CardState;

  /**
   * @param state the state loaded from (or just saved to) `store`
   * @param store where every change is persisted before the response leaves
   * @param privateKeyDelay the timing model's private-key latency
   * @param onError told about every failure the card answered with 6581 or 6F00
   */
  constructor(
    state: CardState,
    private readonly store: SoftCardStore,
    private readonly privateKeyDelay: () => Promise<void>,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.current = state;
  }

  /** The current persistent state (read-only view). */
  get state(): CardState {
    return this.current;
  }

  /** Executes one complete command in the session whose security status is `security`. */
  async execute(command: ReceivedCommand, security: SecurityStatus): Promise<CardResponse> {
    // An open 9B exchange survives only until the next command (SP 800-73-4 Part 2 Appendix A.2).
    if (command.ins !== Ins.GENERAL_AUTHENTICATE || command.p2 !== KeyRef.MANAGEMENT) security.managementExchange = undefined;
    const current = (): CardState => this.current;
    const commit = async (next: CardState): Promise<void> => {
      await this.store.save(next);
      this.current = next;
    };
    const ctx: AppletContext = {
      get state() {
        return current();
      },
      security,
      commit,
      privateKeyDelay: this.privateKeyDelay,
    };
    try {
      return await this.dispatch(command, ctx);
    } catch (error) {
      this.onError(error);
      // Non-volatile memory could not be written: 6581 memory failure; the previous state stays.
      if (error instanceof SoftCardError && error.code === SoftCardErrorCode.STORE_FAILED) return status(Sw.MEMORY_FAILURE);
      return status(Sw.UNKNOWN);
    }
  }

  private async dispatch(command: ReceivedCommand, ctx: AppletContext): Promise<CardResponse> {
    switch (command.ins) {
      case Ins.SELECT:
        return handleSelect(command, () => resetSecurity(ctx.security));
      case Ins.GET_DATA:
        return handleGetData(command, ctx);
      case Ins.PUT_DATA:
        return handlePutData(command, ctx);
      case Ins.VERIFY:
        return handleVerify(command, ctx);
      case Ins.CHANGE_REFERENCE_DATA:
        return handleChangeReference(command, ctx);
      case Ins.RESET_RETRY_COUNTER:
        return handleResetRetryCounter(command, ctx);
      case Ins.GENERAL_AUTHENTICATE:
        return command.p2 === KeyRef.MANAGEMENT ? handleManagementAuthenticate(command, ctx) : handlePrivateKeyOperation(command, ctx);
      case Ins.GENERATE_ASYMMETRIC_KEY_PAIR:
        return handleGenerate(command, ctx);
      case Ins.IMPORT_ASYMMETRIC_KEY:
        return handleImport(command, ctx);
      case Ins.GET_VERSION:
        return handleGetVersion();
      case Ins.GET_SERIAL:
        return handleGetSerial(ctx);
      case Ins.GET_METADATA:
        return handleGetMetadata(command, ctx);
      case Ins.SET_MANAGEMENT_KEY:
        return handleSetManagementKey(command, ctx);
      case Ins.SET_PIN_RETRIES:
        return handleSetPinRetries(command, ctx);
      case Ins.RESET:
        return handleReset(ctx);
      default:
        return status(Sw.INS_NOT_SUPPORTED);
    }
  }
}
