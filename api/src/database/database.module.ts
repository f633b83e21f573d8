import { DynamicModule, Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import mongoose from 'mongoose';
import { IndexesReady } from './indexes-ready';
import { WriteSerializer } from './write-serializer';

// Turns `{ email: { $gt: '' } }` into a literal match everywhere, as a second line behind the
// request guard that already refuses such keys.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(uri: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [MongooseModule.forRoot(uri, { maxPoolSize: 50, serverSelectionTimeoutMS: 15_000, autoIndex: true })],
      providers: [WriteSerializer, IndexesReady],
      exports: [WriteSerializer],
    };
  }
}
