/*
 * The EventStoreDB protocol as the client package ships it: the service definitions and message classes
 * generated from the server's .proto files. The stand-in takes them from here and nowhere else, so it speaks
 * exactly the wire format the client speaks (and moving to the client's successor touches this file only).
 */
export { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
export type { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
export { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
export type { IServerFeaturesServer } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
export {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  ReadReq,
  ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
export {
  AllStreamPosition,
  Empty,
  StreamIdentifier,
  UUID,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
export { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
export { Status } from '@eventstore/db-client/generated/status_pb';
export { Code } from '@eventstore/db-client/generated/code_pb';
export { Any } from 'google-protobuf/google/protobuf/any_pb';
export { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
