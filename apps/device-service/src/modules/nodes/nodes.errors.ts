import { AppError, CommonErrors } from '@cloudphone/shared';

export const NodeErrors = {
  notFound: (nodeId: string) => new AppError('NODE_NOT_FOUND', 404, 'Node not found', { nodeId }),
  nameTaken: (name: string) =>
    CommonErrors.conflict('NODE_NAME_TAKEN', 'A node has this name already', { name }),
  inUse: (nodeId: string) =>
    CommonErrors.conflict('NODE_IN_USE', 'Devices are on this node: drain it, then delete it', { nodeId }),
  providerInUse: (nodeId: string, provider: string | null) =>
    CommonErrors.conflict(
      'NODE_HAS_DEVICES',
      "Devices live at this node's provider: drain the node before it changes provider",
      { nodeId, provider: provider ?? 'deployment' },
    ),
  invalid: (field: string, reason: string) =>
    CommonErrors.validationFailed(`${field}: ${reason}`, [{ field, reasons: [reason] }]),
  strategyNotFound: (strategyId: string) =>
    new AppError('STRATEGY_NOT_FOUND', 404, 'Strategy not found', { strategyId }),
  strategyNameTaken: (name: string) =>
    CommonErrors.conflict('STRATEGY_NAME_TAKEN', 'A strategy has this name already', { name }),
  strategyActive: (strategyId: string) =>
    CommonErrors.conflict(
      'STRATEGY_ACTIVE',
      'The active strategy cannot be deleted; activate another first',
      {
        strategyId,
      },
    ),
};
