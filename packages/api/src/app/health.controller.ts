import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../identity/auth.guard';
import type { Dossier } from '../compose';
import { DOSSIER } from './tokens';

/** Liveness and the read models' progress (no token needed, nothing personal). */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(DOSSIER) private readonly dossier: Dossier) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Liveness, head of the log and each read model’s checkpoint',
    operationId: 'health',
  })
  async health() {
    const head = await this.dossier.events.headPosition();
    const readModels = (await this.dossier.runner.status()).map((s) => ({
      name: s.name,
      version: s.version,
      active: s.active,
      state: s.state,
      checkpoint: s.checkpoint.toString(),
      lag: s.lag.toString(),
      ...(s.error ? { error: s.error } : {}),
    }));
    const ok = readModels.every((r) => r.state !== 'failed');
    return { status: ok ? 'ok' : 'degraded', headPosition: head.toString(), readModels };
  }
}
