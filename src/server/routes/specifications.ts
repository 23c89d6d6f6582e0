import type { TemporalDb } from '../../core/temporal-db.js';
import { SPEC_TYPES, type DeleteOptions, type ListSpecificationsOptions, type SpecType, type Specification, type SpecificationInput } from '../../core/types.js';
import { HttpError } from '../http-error.js';
import { queryArguments, type Route } from '../router.js';
import { bodyObject, created, fromBody, fromQuery, notFound, ok, segment } from './reply.js';

const keepIdentifier = ['identifier'];

const locationOf = (mount: string, spec: Specification) =>
  `${mount}/v1/specifications/${segment(spec.identifier)}?version=${spec.version}`;

/** Specifications by identifier: list, store (one or many, atomically), one version, history, delete. */
export function specificationRoutes(db: TemporalDb): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/specifications',
      handle: async ({ query }) => {
        const options = queryArguments(query, { specType: 'string', asOf: 'instant' }) as ListSpecificationsOptions;
        return ok(await fromQuery(() => db.listSpecifications(options), ['options']));
      },
    },
    {
      method: 'POST',
      path: '/v1/specifications',
      handle: async ({ json, mount, query }) => {
        queryArguments(query, {});
        const body = await json();
        if (Array.isArray(body)) return created(await db.storeSpecifications(body as SpecificationInput[]));
        const stored = await db.storeSpecification(body as SpecificationInput);
        return created(stored, locationOf(mount, stored));
      },
    },
    {
      method: 'GET',
      path: '/v1/specifications/:identifier',
      handle: async ({ params, query }) => {
        const identifier = params.identifier!;
        const { specType, ...which } = queryArguments(query, { version: 'number', asOf: 'instant', specType: 'string' });
        let spec: Specification | undefined;
        if (specType !== undefined && Object.keys(which).length === 0) {
          spec = await fromQuery(() => db.getLatestSpecification(specType as SpecType, identifier), [], keepIdentifier);
        } else {
          if (specType !== undefined && !(SPEC_TYPES as readonly unknown[]).includes(specType)) {
            const message = `Invalid option: expected one of ${SPEC_TYPES.map((t) => `"${t}"`).join('|')}`;
            throw new HttpError(400, 'INVALID_INPUT', `Invalid input at query.specType: ${message}`, ['query', 'specType'], [
              { path: ['query', 'specType'], message },
            ]);
          }
          spec = await fromQuery(() => db.getSpecification(identifier, which), ['query'], keepIdentifier);
          if (spec && specType !== undefined && spec.specType !== specType) spec = undefined;
        }
        if (!spec) {
          const what = which.version !== undefined ? ` numbered ${String(which.version)}` : which.asOf !== undefined ? ' as of that instant' : '';
          const of = specType !== undefined ? ` of type ${String(specType)}` : '';
          throw notFound(`No version${what} of "${identifier}"${of} (it does not exist${what ? '' : ' or is deleted'})`, ['identifier']);
        }
        return ok(spec);
      },
    },
    {
      method: 'GET',
      path: '/v1/specifications/:identifier/history',
      handle: async ({ params, query }) => {
        queryArguments(query, {});
        return ok(await fromQuery(() => db.getSpecificationHistory(params.identifier!), [], keepIdentifier));
      },
    },
    {
      method: 'DELETE',
      path: '/v1/specifications/:identifier',
      handle: async ({ params, query, json }) => {
        queryArguments(query, {});
        const options = bodyObject(await json({ optional: true })) as DeleteOptions;
        return ok(await fromBody(() => db.deleteSpecification(params.identifier!, options), ['options'], keepIdentifier));
      },
    },
  ];
}
