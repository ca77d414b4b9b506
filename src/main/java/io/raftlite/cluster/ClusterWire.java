package io.raftlite.cluster;

import com.alipay.remoting.CustomSerializer;
import com.alipay.remoting.CustomSerializerManager;
import com.alipay.remoting.InvokeContext;
import com.alipay.remoting.exception.DeserializationException;
import com.alipay.remoting.exception.SerializationException;
import com.alipay.remoting.rpc.RequestCommand;
import com.alipay.remoting.rpc.ResponseCommand;
import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.remoting.rpc.protocol.RpcResponseCommand;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Message;
import io.raftlite.command.ClusterRequest;
import io.raftlite.command.ClusterResponse;

/**
 * Puts the cluster service's two protobuf envelopes on the wire of SOFAJRaft's RPC (Bolt). Only
 * these two classes are decoded, so nothing on the Raft port ever deserialises an arbitrary class.
 */
final class ClusterWire implements CustomSerializer {
    private static final ClusterWire INSTANCE = new ClusterWire();
    private static volatile boolean registered;

    private ClusterWire() {
    }

    /** Registers the serializer with Bolt; idempotent. */
    static synchronized void register() {
        if (!registered) {
            CustomSerializerManager.registerCustomSerializer(ClusterRequest.class.getName(), INSTANCE);
            CustomSerializerManager.registerCustomSerializer(ClusterResponse.class.getName(), INSTANCE);
            registered = true;
        }
    }

    @Override
    public <T extends RequestCommand> boolean serializeHeader(T request, InvokeContext ctx) {
        return false;
    }

    @Override
    public <T extends ResponseCommand> boolean serializeHeader(T response) {
        return false;
    }

    @Override
    public <T extends RequestCommand> boolean deserializeHeader(T request) {
        return false;
    }

    @Override
    public <T extends ResponseCommand> boolean deserializeHeader(T response, InvokeContext ctx) {
        return false;
    }

    @Override
    public <T extends RequestCommand> boolean serializeContent(T request, InvokeContext ctx) throws SerializationException {
        RpcRequestCommand cmd = (RpcRequestCommand) request;
        if (!(cmd.getRequestObject() instanceof Message m)) {
            throw new SerializationException("not a protobuf message: " + cmd.getRequestObject());
        }
        cmd.setContent(m.toByteArray());
        return true;
    }

    @Override
    public <T extends ResponseCommand> boolean serializeContent(T response) throws SerializationException {
        RpcResponseCommand cmd = (RpcResponseCommand) response;
        if (!(cmd.getResponseObject() instanceof Message m)) {
            throw new SerializationException("not a protobuf message: " + cmd.getResponseObject());
        }
        cmd.setContent(m.toByteArray());
        return true;
    }

    @Override
    public <T extends RequestCommand> boolean deserializeContent(T request) throws DeserializationException {
        RpcRequestCommand cmd = (RpcRequestCommand) request;
        cmd.setRequestObject(parse(cmd.getRequestClass(), cmd.getContent()));
        return true;
    }

    @Override
    public <T extends ResponseCommand> boolean deserializeContent(T response, InvokeContext ctx)
            throws DeserializationException {
        RpcResponseCommand cmd = (RpcResponseCommand) response;
        cmd.setResponseObject(parse(cmd.getResponseClass(), cmd.getContent()));
        return true;
    }

    /**
     * Decodes one envelope. Bytes fields (request bodies, backups, database files for a load) are
     * not copied out of the frame but share its array, which nothing else writes to: a forwarded
     * database must not cost a further copy of itself on the heap.
     */
    private static Message parse(String className, byte[] content) throws DeserializationException {
        CodedInputStream in = CodedInputStream.newInstance(content == null ? new byte[0] : content);
        in.enableAliasing(true);
        try {
            if (ClusterRequest.class.getName().equals(className)) {
                return ClusterRequest.parseFrom(in);
            }
            if (ClusterResponse.class.getName().equals(className)) {
                return ClusterResponse.parseFrom(in);
            }
        } catch (java.io.IOException e) { // parseFrom(CodedInputStream) declares IOException
            throw new DeserializationException("bad " + className + ": " + e.getMessage());
        }
        throw new DeserializationException("unexpected message class " + className);
    }
}
