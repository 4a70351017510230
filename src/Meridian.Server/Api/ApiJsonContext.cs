using System.Text.Json;
using System.Text.Json.Serialization;
using Meridian.Naming;
using Meridian.Server.Api.Config;
using Meridian.Server.Api.Naming;
using Microsoft.AspNetCore.Mvc;

namespace Meridian.Server.Api;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(InstanceListResponse))]
[JsonSerializable(typeof(Instance))]
[JsonSerializable(typeof(HeartbeatResponse))]
[JsonSerializable(typeof(RegisterInstanceRequest))]
[JsonSerializable(typeof(ServiceResponse))]
[JsonSerializable(typeof(ServicePageResponse))]
[JsonSerializable(typeof(NamespaceResponse))]
[JsonSerializable(typeof(ConfigResponse))]
[JsonSerializable(typeof(ConfigPublishRequest))]
[JsonSerializable(typeof(ConfigListenRequest))]
[JsonSerializable(typeof(ConfigListenResponse))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
